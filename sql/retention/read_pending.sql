SELECT kind, value FROM erasure.pending
