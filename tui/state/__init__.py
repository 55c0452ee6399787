"""The reader's state: its one owner (`owner`), the store's thread (`store_thread`), what it
reads (`reads`)."""
