"""backupops.veeam.maintenance_record: the controller-side writer of the maintenance window's record."""

import json
import stat


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def write(ansible, path, content, check=False, diff=False):
    task = {"name": "record", "backupops.veeam.maintenance_record": {"path": str(path), "content": content}, "ignore_errors": True}
    run = ansible.run([task], check=check, diff=diff, defaults=False)
    assert run.results, run
    return run.result


def test_writes_private_json_in_a_private_directory_then_reports_no_change(ansible, tmp_path):
    path = tmp_path / "records" / "vb365-01.json"
    record = {"format": 1, "state": "active", "jobs": [{"id": "a", "name": "Exchange \"Daily\" ü"}]}
    first = write(ansible, path, record)
    assert first["changed"] is True and not first.get("failed"), first
    assert json.loads(path.read_text()) == record
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    second = write(ansible, path, record)
    assert second["changed"] is False, second
    assert [p.name for p in path.parent.iterdir()] == ["vb365-01.json"], "no temporary file left behind"


def test_check_mode_predicts_the_change_and_diff_shows_it_without_writing(ansible, tmp_path):
    path = tmp_path / "vb365-01.json"
    write(ansible, path, {"state": "active"})
    result = write(ansible, path, {"state": "restored"}, check=True, diff=True)
    assert result["changed"] is True, result
    assert '"state": "active"' in result["diff"]["before"] and '"state": "restored"' in result["diff"]["after"]
    assert json.loads(path.read_text()) == {"state": "active"}


def test_a_path_that_cannot_be_written_fails_naming_it(ansible, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    result = write(ansible, blocker / "record.json", {"state": "active"})
    assert result["failed"] is True
    assert "Cannot write the maintenance record %s" % (blocker / "record.json") in result["msg"], result["msg"]


def test_many_forks_writing_first_records_into_a_missing_directory_all_succeed(ansible, tmp_path):
    """AWX starts every job without a record directory: forks that create it at the same moment must all succeed."""
    hosts = ["host-%02d" % index for index in range(12)]
    inventory = tmp_path / "forks.ini"
    inventory.write_text("[all]\n" + "".join("%s ansible_connection=local\n" % host for host in hosts))
    for attempt in range(6):
        directory = tmp_path / ("attempt-%d" % attempt) / "nested" / "records"
        task = {"name": "record", "backupops.veeam.maintenance_record": {
            "path": str(directory) + "/{{ inventory_hostname }}.json", "content": {"host": "{{ inventory_hostname }}"}}}
        run = ansible.run([task], defaults=False, hosts="all", inventory=inventory, extra_args=("--forks", str(len(hosts))))
        assert run.rc == 0, run
        assert sorted(p.name for p in directory.iterdir()) == sorted(host + ".json" for host in hosts), run
        assert all(json.loads((directory / (host + ".json")).read_text()) == {"host": host} for host in hosts)
        assert mode(directory) == 0o700
