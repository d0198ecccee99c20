from sitecensus.core.sizes import size_label


def test_no_zero_kilobytes():
    assert size_label(0) == "0 字节" and size_label(300) == "300 字节"
    assert size_label(1536) == "1.5 KB" and size_label(200 * 1024) == "200 KB"
    assert size_label(3 * 1024 * 1024) == "3.0 MB"
    assert all("0 KB" != size_label(n) for n in range(0, 5000, 7))
