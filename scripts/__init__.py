"""Build, validate and publish the kuaishou-ecommerce-claims dataset."""
import os
import warnings

# Great Expectations reads this when it is imported: nothing this package runs phones home.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# With pyspark installed (the spark extra's engine), importing pandera tries pyspark.pandas, which warns on
# every import that it does not support pandas 3 (and then fails to import, quietly): nothing here uses pandas-on-Spark.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
