"""Internal plan feeds: record schemas (marshmallow), loaders and the feed-kind registry."""
