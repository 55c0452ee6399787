"""Discovery: paper vectors computed locally, similar papers, "For you" rankings learned from the
user's stars and lists, and search by meaning. Never imports Textual."""
