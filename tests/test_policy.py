from datetime import time

import pytest
import yaml

from listwarden.policy import PolicyError, load_policy


def test_default_policy_holds_the_design_defaults(policy):
    assert {p.name: p.consent_required for p in policy.purposes} == {
        "account.security": False, "service.updates": False,
        "marketing": True, "marketing.offers": True, "marketing.newsletter": True,
    }
    assert policy.consent.evidence_fields == ["method", "notice_version"]
    assert policy.opt_out.record_within_hours == 24
    keywords = {word for language in policy.replies.values() for word in language.opt_out}
    assert keywords >= {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT",
                        "ARRET", "ARRÊT", "BAJA", "ALTO", "СТОП", "ОТПИСАТЬСЯ", "退订", "TD"}
    assert policy.replies["en"].opt_in[:3] == ["START", "UNSTOP", "YES"]
    assert policy.replies["en"].help == ["HELP", "INFO"] and policy.help_reply_within_minutes == 60
    assert policy.inbound.default_region is None and policy.opt_out.unmatched_is_finding is False
    assert (policy.quiet_hours.allowed_from, policy.quiet_hours.allowed_until) == (time(8), time(21))
    assert (policy.frequency_cap.max_messages, policy.frequency_cap.window_hours) == (2, 24)
    assert policy.duplicate_send_window_minutes == 60
    assert policy.length.max_segments == 3
    assert set(policy.accuracy.not_sms_capable) == {
        "FIXED_LINE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOICEMAIL", "PAGER", "UAN"}
    retention = policy.retention
    assert (retention.no_opt_in_days, retention.withdrawn_days, retention.inactive_days, retention.messages_days,
            retention.consent_proof_years, retention.overdue_grace_days) == (90, 30, 730, 730, 5, 7)


@pytest.mark.parametrize(("purpose", "required"), [
    ("marketing", True), ("marketing.offers", True), ("marketing.flash_sale", True),
    ("service.updates", False), ("service.updates.delivery", False), ("account.security", False),
    ("surveys", True),  # not listed anywhere: needs consent
])
def test_consent_requirement_follows_the_nearest_listed_ancestor(policy, purpose, required):
    assert policy.consent_required(purpose) is required


def _write_policy(tmp_path, policy_path, change):
    document = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["frequency_cap"].update(max_messages=-1), "frequency_cap.max_messages: Input should be greater than 0"),
    (lambda d: d["purposes"][2].update(consent_required="sometimes"), "purposes.2.consent_required"),
    (lambda d: d["purposes"].append({"name": "Marketing Offers", "consent_required": True}), "purposes.5.name"),
    (lambda d: d.update(retention_days=30), "retention_days: Extra inputs are not permitted"),
    (lambda d: d["quiet_hours"].update(allowed_from="25:00"), "quiet_hours.allowed_from"),
    (lambda d: d["accuracy"].update(not_sms_capable=["LANDLINE"]), "accuracy.not_sms_capable"),
    (lambda d: d.pop("sender_names"), "sender_names: Field required"),
])
def test_an_invalid_policy_names_the_key_path_and_the_reason(tmp_path, policy_path, change, message):
    with pytest.raises(PolicyError) as rejected:
        load_policy(_write_policy(tmp_path, policy_path, change))
    assert message in str(rejected.value)
    assert "policy.yaml" in str(rejected.value)


def test_a_bare_yes_is_caught_not_read_as_true(tmp_path, policy_path):
    text = policy_path.read_text(encoding="utf-8").replace('"YES"', "YES", 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"replies\.en\.opt_in\.2: Input should be a valid string"):
        load_policy(path)


def test_a_missing_policy_file_is_named(tmp_path):
    with pytest.raises(PolicyError, match="nowhere.yaml: policy file not found"):
        load_policy(tmp_path / "nowhere.yaml")
