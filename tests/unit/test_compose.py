"""docker-compose.yml is valid Compose (checked against the Compose Specification's schema,
as no Docker engine runs here) and wires every service to one Redis."""

import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_matches_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests/fixtures/compose-spec.json").read_text())
    # draft 7, by name: the spec writes its $schema as https://json-schema.org/draft-07/schema,
    # a spelling jsonschema does not know (it warns, guesses the latest draft, and means to
    # raise one day)
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(load_compose())


def test_every_akhbar_service_shares_one_redis_and_database() -> None:
    services = load_compose()["services"]
    akhbar = {name: s for name, s in services.items() if s.get("image") == "akhbar:latest"}
    assert {"crawler", "workers", "store"} <= set(akhbar)
    assert {s["environment"]["REDIS_URL"] for s in akhbar.values()} == {"redis://redis:6379/0"}
    assert len({s["environment"]["AKHBAR_DB_URL"] for s in akhbar.values()}) == 1
