//! Chinese full-text search over the catalog.
