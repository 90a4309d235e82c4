"""Build, validate and publish the kuaishou-ecommerce-claims dataset."""
import os

# Great Expectations reads this when it is imported: nothing this package runs phones home.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
