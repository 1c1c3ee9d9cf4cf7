"""A small invented registry for the lookup tests (names made up for these tests)."""
from __future__ import annotations

import datetime as dt

from registry.numbers import number_norm
from registry.queries import AgencyRow, BrokerRow, LicenceRow, RegistrySnapshot, SubLicenceRow
from registry.status import StatusEvent

D = dt.date.fromisoformat


def _terms(first: str, *more: str) -> list[StatusEvent]:
    """Issued on `first` for two years, renewed a month before each term ends, `len(more)` times."""
    start = D(first)
    events = [StatusEvent("issued", start, start.replace(year=start.year + 2) - dt.timedelta(days=1))]
    for renewed in more:
        end = events[-1].valid_until
        events.append(StatusEvent("renewed", D(renewed), end.replace(year=end.year + 2)))
    return events


AGENCIES = [
    # id, number, name_en, name_km, address_en, province, events
    (1, "MLVT-PRA-301/2019", "Bayon Manpower Co., Ltd.", "ក្រុមហ៊ុន បាយ័ន ម៉ែនផៅវ័រ ខូ អិលធីឌី",
     "No. 12, St. 99, Sangkat Tuol Sangke, Khan Russey Keo, Phnom Penh", "Phnom Penh",
     _terms("2019-03-01", "2021-02-01", "2023-02-01", "2025-02-01")),
    (2, "MLVT-PRA-302/2019", "Bayon Human Resources Co., Ltd.", "ក្រុមហ៊ុន ធនធានមនុស្ស បាយ័ន ឯ.ក",
     "No. 40, St. 2004, Khan Sen Sok, Phnom Penh", "Phnom Penh",
     _terms("2019-04-01", "2021-03-01") + [StatusEvent("revoked", D("2022-05-10"))]),
    (3, "MLVT-PRA-310/2020", "Chanrith Overseas Employment Co., Ltd.", "ក្រុមហ៊ុន ការងារនៅក្រៅប្រទេស ចាន់រិទ្ធ ឯ.ក",
     "No. 5, National Road 5, Svay Por, Battambang", "Battambang",
     _terms("2020-06-01", "2022-05-01", "2024-05-01", "2026-05-01") + [StatusEvent("suspended", D("2026-06-01"))]),
    (4, "MLVT-PRA-320/2021", "Vannak Manpower Co., Ltd.", "ក្រុមហ៊ុន វណ្ណៈ ម៉ែនផៅវ័រ ខូ អិលធីឌី",
     "No. 7, St. 31, Khan Daun Penh, Phnom Penh", "Phnom Penh", _terms("2021-01-10", "2022-12-10", "2024-12-10")),
    (5, "MLVT-PRA-321/2021", "Vanna Employment Services Co., Ltd.", "ក្រុមហ៊ុន សេវាការងារ វណ្ណា ឯ.ក",
     "No. 9, St. 1986, Khan Pur SenChey, Phnom Penh", "Phnom Penh", _terms("2021-02-10", "2023-01-10", "2025-01-10")),
]
BROKERS = [
    # id, number, name_en, name_km, licence id, province, district
    (1, "MLVT-SUB-0501/2021", "Chea Sokun", "ជា សុគន្ធ", 1, "Phnom Penh", "Sen Sok"),
    (2, "MLVT-SUB-0502/2021", "Chea Sokun", "ជា សុគន្ធ", 3, "Battambang", "Moung Ruessei"),
    (3, "MLVT-SUB-0600/2022", "Mao Chanthy", "ម៉ៅ ចាន់ធី", 1, "Kampong Cham", "Kampong Siem"),
]


def invented_snapshot() -> RegistrySnapshot:
    snapshot = RegistrySnapshot()
    for i, number, name_en, name_km, address, province, events in AGENCIES:
        snapshot.agencies[i] = AgencyRow(i, name_en, name_km, address, "", province, "")
        snapshot.licences[i] = LicenceRow(i, number, number_norm(number), i, ("TH", "MY"), (), 1, tuple(events))
    for i, number, name_en, name_km, licence, province, district in BROKERS:
        snapshot.brokers[i] = BrokerRow(i, name_en, name_km, "F", None, province, district, "")
        events = (StatusEvent("granted", D("2021-05-01"), D("2027-04-30")),)
        snapshot.sub_licences[i] = SubLicenceRow(i, number, number_norm(number), i, licence, 1, events)
    return snapshot
