//! Pure demand analytics (no I/O). Filled in by the analytics work.
