"""`clipper smoke`: the seed's manual testing checklist, run end to end through the product's HTTP API."""
