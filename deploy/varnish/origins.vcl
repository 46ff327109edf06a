# The desk's origins (gunicorn), each with a health probe: Varnish sends
# each address to one healthy origin, and to the next when that one fails.
# List every app host here. An origin that is stopped refuses at once and
# the request goes to the next (default.vcl); the probe is for one that
# hangs, and is lenient (three good of the last five, two seconds each) so
# that the last origin standing, busy with every reader, is not marked sick.
probe desk_health {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
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
