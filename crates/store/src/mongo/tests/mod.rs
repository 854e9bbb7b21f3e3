//! Unit tests of the MongoDB backend that need no server.
