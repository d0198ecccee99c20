"""Sample filings for tests and the demo."""

from __future__ import annotations

from .services import Filing

CLASSES = ["工作动态/要闻", "通知公告", "政策文件", "信息公开目录", "政务咨询", "办事指南", "在线系统", "领导", "机构"]


def sample_filing(*, name: str, url: str, unit_name: str, site_class: str = "乡镇街道网站",
                  columns: int = 6, email: str = "fuzeren@example.gov.cn", portal: bool = False) -> Filing:
    url = url.rstrip("/")
    basic = {
        "site_name": name, "homepage_url": url + "/", "other_domains": [], "ip_address": [],
        "competent_unit": unit_name, "sponsor_unit": unit_name, "operator_unit": "",
        "site_class": site_class, "is_portal": portal, "icp_number": "冀ICP备05001234号",
        "psb_number": "", "office_address": "河北省保定市", "principal_name": "张明",
        "principal_post": "主任", "principal_phone": "0312-4512345", "principal_mobile": "13812345678",
        "principal_email": email, "contact1_name": "李华", "contact1_phone": "0312-4512346",
        "contact1_mobile": "13912345678", "contact1_email": "lianxiren@example.gov.cn",
        "running_status": "正常运行", "remarks": "",
    }
    cols = []
    for i in range(columns):
        cls = CLASSES[i % len(CLASSES)]
        cols.append({"name": f"{cls.split('/')[0]}{i + 1}", "url": f"{url}/col{i + 1}/", "parent_name": "",
                     "is_homepage": i < columns // 2, "column_class": cls, "update_period": "每周",
                     "remarks": ""})
    return Filing(basic=basic, columns=cols)
