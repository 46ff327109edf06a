from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmark"

    def ready(self):
        from bench import page_cache_counts

        page_cache_counts.connect()
