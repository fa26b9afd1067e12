"""Sales and service statistics (销售 / 服务统计): M-DAILYSALES, M-BOOKS, M-PAY, M-MONTHEND."""
