"""Value conversions of loaders.jobs.normalize on the shapes Azure sources really emit."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders.jobs.normalize import (
    ErrorCode,
    normalize_backup_management_type,
    normalize_operation,
    normalize_status,
    parse_bool,
    parse_datetime,
    parse_duration,
    parse_error_code,
    parse_scheduled,
    parse_vault_id,
    parse_vm_id,
    vm_from_container,
)

SUB = "3f2a4c1e-8b7d-4e21-9a55-0c6d2f1e7b90"


@pytest.mark.parametrize("arm_id", [
    f"/subscriptions/{SUB}/resourceGroups/rg-backup-weu/providers/Microsoft.RecoveryServices/vaults/rsv-weu-prod",
    f"/Subscriptions/{SUB}/resourceGroups/rg-backup-weu/providers/Microsoft.RecoveryServices/vaults/rsv-weu-prod/backupJobs/1b6f0c3a-52d4-4c2e-9f1a-7d3e8b2c4a01",
    f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/RG-BACKUP-WEU/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/RSV-WEU-PROD",
    f"/subscriptions/{SUB}/resourcegroups/rg-backup-weu/providers/microsoft.recoveryservices/vaults/rsv-weu-prod/backupjobs/x",
])
def test_vault_ids_compare_case_insensitively(arm_id: str) -> None:
    ref = parse_vault_id(arm_id)
    assert ref is not None
    assert ref.vault_id == (f"/subscriptions/{SUB}/resourcegroups/rg-backup-weu"
                            "/providers/microsoft.recoveryservices/vaults/rsv-weu-prod")
    assert ref.subscription_id == SUB
    assert ref.resource_group.lower() == "rg-backup-weu"
    assert ref.vault_name.lower() == "rsv-weu-prod"


def test_vault_id_keeps_names_as_written_and_job_name() -> None:
    ref = parse_vault_id(f"/Subscriptions/{SUB}/resourceGroups/RG-Backup/providers/Microsoft.RecoveryServices/"
                         "vaults/Vault01/backupJobs/ABC-1")
    assert (ref.resource_group, ref.vault_name, ref.job_name) == ("RG-Backup", "Vault01", "ABC-1")


@pytest.mark.parametrize("arm_id", [
    None, "", "vault01",
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv1",
])
def test_non_vault_ids_are_rejected(arm_id: str | None) -> None:
    assert parse_vault_id(arm_id) is None


def test_vm_from_container_name() -> None:
    vm_id, name = vm_from_container("iaasvmcontainerv2;RG-App;VM-Web-01", SUB)
    assert vm_id == f"/subscriptions/{SUB}/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/vm-web-01"
    assert name == "VM-Web-01"
    classic_id, _ = vm_from_container("iaasvmcontainer;cloudsvc;vm2", SUB)
    assert "/microsoft.classiccompute/virtualmachines/vm2" in classic_id
    assert vm_from_container("IaasVMContainer;iaasvmcontainerv2;rg;vm3", SUB)[1] == "vm3"
    assert vm_from_container("StorageContainer;Storage;rg;account", SUB) == (None, None)
    assert vm_from_container(None, SUB) == (None, None)


def test_vm_from_resource_id() -> None:
    text = f"/subscriptions/{SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/VM-1"
    assert parse_vm_id(text) == (text.lower(), "VM-1")
    assert parse_vm_id(f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s1") is None


@pytest.mark.parametrize("text, seconds", [
    ("PT2M14.5512345S", 134.5512345),
    ("PT1M30.5S", 90.5),
    ("PT0S", 0.0),
    ("PT1H", 3600.0),
    ("P1DT2H", 93600.0),
    ("00:20:23.0896697", 1223.0896697),
    ("1.02:03:04", 93784.0),
    ("0:00:31.306629", 31.306629),
    ("1 day, 2:03:04", 93784.0),
    ("2 days, 0:00:01.5", 172801.5),
    ("-1 day, 23:59:59", -1.0),
    ("134.55", 134.55),
    (134.55, 134.55),
    (42, 42.0),
    (dt.timedelta(minutes=2), 120.0),
])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds, abs=1e-9)


@pytest.mark.parametrize("empty", [None, "", "   ", float("nan")])
def test_missing_duration_is_none(empty: object) -> None:
    assert parse_duration(empty) is None


@pytest.mark.parametrize("bad", ["ten minutes", "PT", "P1DT", "12:75:00", "1:2", "inf", True])
def test_bad_durations_raise(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


@pytest.mark.parametrize("text, expected", [
    ("2024-05-02T22:30:04.1234567Z", dt.datetime(2024, 5, 2, 22, 30, 4, 123456)),
    ("2017-08-03T05:31:07.014604+00:00", dt.datetime(2017, 8, 3, 5, 31, 7, 14604)),
    ("2024-05-02T23:01:00Z", dt.datetime(2024, 5, 2, 23, 1)),
    ("2024-05-02T22:30:04", dt.datetime(2024, 5, 2, 22, 30, 4)),
    ("2024-05-03T00:30:00+02:00", dt.datetime(2024, 5, 2, 22, 30)),
    ("2024-05-02T18:30:00-0400", dt.datetime(2024, 5, 2, 22, 30)),
    ("2024-05-02 10:00:00 PM", dt.datetime(2024, 5, 2, 22, 0)),
    ("5/2/2024, 11:01:00.000 PM", dt.datetime(2024, 5, 2, 23, 1)),
    ("5/3/2024, 12:45:10.000 AM", dt.datetime(2024, 5, 3, 0, 45, 10)),
    ("12/31/2024 12:00 PM", dt.datetime(2024, 12, 31, 12, 0)),
    ("02.05.2024 23:01:00", dt.datetime(2024, 5, 2, 23, 1)),
    ("2024-05-02", dt.datetime(2024, 5, 2)),
    (dt.datetime(2024, 5, 3, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))), dt.datetime(2024, 5, 2, 22, 30)),
    (0, dt.datetime(1970, 1, 1)),
])
def test_datetimes_become_naive_utc(text: object, expected: dt.datetime) -> None:
    value = parse_datetime(text)
    assert value == expected
    assert value.tzinfo is None


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01T00:00:00Z", "13:00 PM", "5/2/2024, 13:00 PM", "2024/05/02"])
def test_bad_datetimes_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(bad)


def test_vocabularies() -> None:
    assert normalize_operation("Configure Backup") == "ConfigureBackup"
    assert normalize_operation("configurebackup") == "ConfigureBackup"
    assert normalize_operation("Delete Backup Data") == "DeleteBackupData"
    assert normalize_operation("Cross Region Restore") == "CrossRegionRestore"
    assert normalize_operation("SomethingNew") == "SomethingNew"  # kept visible, not dropped
    assert normalize_operation("") is None
    assert normalize_status("completed with warnings") == "CompletedWithWarnings"
    assert normalize_status("Canceled") == "Cancelled"
    assert normalize_status("InProgress") == "InProgress"
    assert normalize_backup_management_type("IaaSVM") == "AzureIaasVM"
    assert normalize_backup_management_type("AzureVM") == "AzureIaasVM"
    assert normalize_backup_management_type("AzureIaasVM") == "AzureIaasVM"
    assert normalize_backup_management_type("FileFolder") == "MAB"


def test_error_codes() -> None:
    assert parse_error_code(400094) == ErrorCode(400094, None)
    assert parse_error_code("400094") == ErrorCode(400094, None)
    assert parse_error_code(400094.0) == ErrorCode(400094, None)
    assert parse_error_code("UserErrorGuestAgentStatusUnavailable") == ErrorCode(
        None, "UserErrorGuestAgentStatusUnavailable")
    assert parse_error_code(None) == ErrorCode(None, None)
    assert parse_error_code("  ") == ErrorCode(None, None)
    for bad in ({"value": 1}, [1], True, 1.5):
        with pytest.raises(ValueError):
            parse_error_code(bad)


def test_flags() -> None:
    assert parse_scheduled("Scheduled") is True
    assert parse_scheduled("Adhoc") is False
    assert parse_scheduled("AdHoc") is False
    assert parse_scheduled("") is None
    with pytest.raises(ValueError):
        parse_scheduled("Sometimes")
    assert parse_bool("true") is True and parse_bool(False) is False and parse_bool(None) is None
    with pytest.raises(ValueError):
        parse_bool("maybe")
