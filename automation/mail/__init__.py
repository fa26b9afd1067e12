"""E-mail: compose a MIME message, keep an outbox, send over SMTP (STARTTLS/SSL) with retries."""
