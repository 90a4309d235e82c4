"""Build, validate and publish the kuaishou-ecommerce-claims dataset."""
