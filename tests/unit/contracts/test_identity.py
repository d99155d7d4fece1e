from wirewatch.contracts import article_id, canonical_url, content_hash


def test_canonical_url_drops_tracking_fragment_default_port_and_trailing_slash():
    url = "HTTPS://News.Example:443/World/Story/?utm_source=rss&b=2&a=1&fbclid=xyz#comments"
    assert canonical_url(url) == "https://news.example/World/Story?a=1&b=2"


def test_canonical_url_keeps_meaningful_query_and_non_default_port():
    assert canonical_url("http://example.org:8080/a?id=7") == "http://example.org:8080/a?id=7"
    assert canonical_url("http://example.org") == "http://example.org/"


def test_content_hash_ignores_case_and_whitespace_but_not_words():
    a = content_hash("Quake hits", "Buildings  fell.\n")
    assert a == content_hash("quake HITS", "buildings fell.")
    assert a != content_hash("Quake hits", "Buildings stood.")


def test_article_id_prefers_url_and_falls_back_to_content():
    digest = content_hash("t", "x")
    assert article_id("https://a.example/1", digest) == article_id("https://a.example/1", content_hash("u", "y"))
    assert article_id(None, digest) != article_id(None, content_hash("u", "y"))
    assert len(article_id(None, digest)) == 24
