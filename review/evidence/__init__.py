"""Evidence a vendor attaches to a request (SBOMs, ACRs), read into intake sections."""
