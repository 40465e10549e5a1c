"""One register, many people at once: stale saves refused, long writes one at a time, what the
connected user may do, and what others changed since the window last looked."""
