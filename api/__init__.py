"""HTTP API: Flask app factory, one blueprint per resource, auth and error handling."""
