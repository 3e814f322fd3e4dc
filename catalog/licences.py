"""Licences the engine recognises: SPDX ids approved by the Open Source Initiative.

Source: https://opensource.org/licenses and https://spdx.org/licenses/ (OSI-approved column).
An expression such as `MIT OR Apache-2.0` counts as open source when every id in it does.
"""

import re

OSI_APPROVED = frozenset(
    """
    0BSD AFL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-2.0 APSL-2.0 Artistic-2.0 BSD-2-Clause
    BSD-3-Clause BSL-1.0 CDDL-1.0 CECILL-2.1 CPAL-1.0 ECL-2.0 EFL-2.0 EPL-1.0 EPL-2.0
    EUPL-1.1 EUPL-1.2 GPL-2.0-only GPL-2.0-or-later GPL-3.0-only GPL-3.0-or-later ISC
    LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later LPPL-1.3c MIT MIT-0
    MPL-1.1 MPL-2.0 MS-PL MS-RL MulanPSL-2.0 NCSA OFL-1.1 OSL-3.0 PHP-3.01 PostgreSQL
    Python-2.0 UPL-1.0 Unlicense W3C Zlib ZPL-2.1
    """.split()
)
_ID = re.compile(r"[A-Za-z0-9.+-]+")
_OPERATORS = {"AND", "OR", "WITH"}


def licence_ids(expression: str) -> list[str]:
    """The licence ids in an SPDX expression (operators and brackets dropped)."""
    return [t for t in _ID.findall(expression) if t not in _OPERATORS and not t.endswith("-exception")]


def is_open_source(expression: str) -> bool:
    """Every licence in the expression is OSI-approved."""
    ids = licence_ids(expression)
    return bool(ids) and all(i in OSI_APPROVED for i in ids)


def is_known(expression: str) -> bool:
    """Every id is OSI-approved or a LicenseRef."""
    ids = licence_ids(expression)
    return bool(ids) and all(i in OSI_APPROVED or i.startswith("LicenseRef-") for i in ids)
