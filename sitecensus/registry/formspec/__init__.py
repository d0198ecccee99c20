"""Forms as data: the census forms defined in JSON, the offline Excel
workbook built from them, its parser, ZIP intake and the offline check.

Everything here runs without Django (the Django forms built from the spec are sitecensus.registry.specforms).
"""
