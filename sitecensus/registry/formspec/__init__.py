"""Forms as data: the census forms defined in JSON, the offline Excel
workbook built from them, its parser, ZIP intake and the offline check.

Everything here except ``webform`` runs without Django.
"""
