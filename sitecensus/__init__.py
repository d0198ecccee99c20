"""sitecensus — 全国政府网站普查信息报送系统."""
