"""The Mine Action KB core library: documents -> records -> RDF -> store -> queries, analyses, page models."""
