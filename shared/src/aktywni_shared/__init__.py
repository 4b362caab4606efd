"""Code the three Aktywni services share: event contracts and infrastructure adapters."""
