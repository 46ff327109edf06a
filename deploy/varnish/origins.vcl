# The desk's origins (gunicorn), each with a health probe: Varnish sends
# each address to one healthy origin, and to the next when that one fails.
# List every app host here.
probe desk_health {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend origin_1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = desk_health;
}

backend origin_2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = desk_health;
}

sub vcl_init {
    new origins = directors.shard();
    origins.add_backend(origin_1);
    origins.add_backend(origin_2);
    origins.reconfigure();
}
