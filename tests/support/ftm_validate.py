"""Validates a FollowTheMoney export strictly with the `followthemoney` package: every entity
loads, every property belongs to its schema, every value is valid for its type as it is
written, every reference names an exported entity of a schema the property accepts, and every
required property is there. Prints each problem; exits 1 if there is one.

    python3 ftm_validate.py dossier.ftm.json
"""
import json
import sys

from followthemoney import model

errors = []
entities = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
schemas = {e["id"]: e["schema"] for e in entities}
if len(schemas) != len(entities):
    errors.append("two entities have the same id")
for e in entities:
    try:
        proxy = model.get_proxy(e, cleaned=False)
    except Exception as exc:  # the package's own refusal, whatever its class
        errors.append(f"{e.get('id')}: {exc}")
        continue
    schema = proxy.schema
    for name, values in e["properties"].items():
        prop = schema.get(name)
        if prop is None:
            errors.append(f"{e['id']}: {schema.name} has no property {name}")
            continue
        for value in values:
            if prop.type.clean(value, proxy=proxy) is None:
                errors.append(f"{e['id']}: {name} = {value!r} is not a valid {prop.type.name}")
            if prop.type.name == "entity":
                target = schemas.get(value)
                if target is None:
                    errors.append(f"{e['id']}: {name} names {value}, which is not exported")
                elif not model.get(target).is_a(prop.range):
                    errors.append(f"{e['id']}: {name} names a {target}, not a {prop.range.name}")
    for required in schema.required:
        if not proxy.get(required):
            errors.append(f"{e['id']}: {schema.name} lacks {required}")
for error in errors:
    print(error)
print(f"{len(entities)} entities, {len(errors)} problems")
sys.exit(1 if errors else 0)
