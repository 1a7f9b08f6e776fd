UPDATE work.retention_settings SET refusal = $reason
