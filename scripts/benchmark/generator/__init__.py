"""The benchmark's document generator: new noisy documents composed from the project's own
figures, entities, seed clauses and templates, with gold annotations exact by construction."""
