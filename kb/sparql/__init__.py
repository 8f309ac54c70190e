"""The public SPARQL endpoint's rules: what is refused, content negotiation, the executors."""
