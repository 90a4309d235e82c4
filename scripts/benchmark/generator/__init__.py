"""The benchmark's document generator: new noisy documents composed from the project's own
figures, entities and templates (and invented companies and figures), with gold annotations and
verification labels exact by construction."""
