//! Sandbox that starts the real service binaries for whole-mesh tests.
