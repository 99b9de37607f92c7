"""Interoperability check: a Python consumer reads what the gateway wrote to Kafka.

  interop.py send  <gateway-url> <email> <password> <expected.jsonl>
      logs in, sends MNIST predictions with a unique first pixel (plus one bad request the model server
      answers 400) and writes what each record must contain.
  interop.py check <brokers> <topic> <inferencelog-v1.avsc> <expected.jsonl> [<node-reader.jsonl>]
      reads the topic from the beginning with kafka-python, decodes every value with fastavro and the
      .avsc file (plain Avro, no framing, as Hopsworks' parse_avro_msg does), and checks that every
      expected record is there, exactly; with the Node log reader's output, that both decoders agree.
"""

import io
import json
import sys
import time
import urllib.error
import urllib.request

import fastavro
from kafka import KafkaConsumer, TopicPartition


def send(base, email, password, expected_path):
    form = f"email={urllib.parse.quote(email)}&password={urllib.parse.quote(password)}".encode()
    login = urllib.request.urlopen(
        urllib.request.Request(f"{base}/hopsworks-api/api/auth/login", data=form, method="POST")
    )
    token = login.headers["Authorization"]
    run = int(time.time() * 1000) % 100_000_000
    url = f"{base}/hopsworks-api/api/project/1/inference/models/mnist:predict"
    expected = []
    for i in range(20):
        pixels = ["0.%08d" % ((run + i) % 100_000_000)] + [f"{((j * 7919 + i) % 256) / 255:.4f}" for j in range(783)]
        expected.append({"body": '{"signature_name": "predict_images", "instances": [[%s]]}' % ", ".join(pixels)})
    expected.append({"body": '{"signature_name": "predict_images", "instances": [[0.%08d, 2.0]]}' % run})
    for e in expected:
        req = urllib.request.Request(
            url, data=e["body"].encode(), method="POST",
            headers={"Authorization": token, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req) as res:
                e["status"], e["response"] = res.status, res.read().decode()
        except urllib.error.HTTPError as err:
            # The gateway answers a model-server 4xx with Hopsworks' error body; the record keeps the
            # model server's own body, which is the error body's usrMsg.
            e["status"], e["response"] = err.code, json.loads(err.read().decode())["usrMsg"]
    with open(expected_path, "w") as f:
        for e in expected:
            f.write(json.dumps(e) + "\n")
    print(f"interop: sent {len(expected)} requests ({sum(e['status'] == 200 for e in expected)} answered 200)")


def check(brokers, topic, avsc, expected_path, node_path=None):
    schema = fastavro.parse_schema(json.load(open(avsc)))
    expected = [json.loads(line) for line in open(expected_path)]
    wanted = {e["body"]: e for e in expected}
    consumer = KafkaConsumer(bootstrap_servers=brokers.split(","), enable_auto_commit=False, consumer_timeout_ms=1000)
    partitions = [TopicPartition(topic, p) for p in (consumer.partitions_for_topic(topic) or [])]
    assert partitions, f"topic {topic} not found"
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    decoded, found, deadline = {}, {}, time.time() + 60
    while len(found) < len(wanted) and time.time() < deadline:
        for message in consumer:
            assert message.key is None, "records have a null key"
            record = fastavro.schemaless_reader(io.BytesIO(message.value), schema, schema)
            decoded[(message.partition, message.offset)] = record
            if record["inferenceRequest"] in wanted:
                found[record["inferenceRequest"]] = record
    consumer.close()
    missing = [b[:60] for b in wanted if b not in found]
    assert not missing, f"{len(missing)} records missing from {topic}: {missing[:3]}"
    for body, record in found.items():
        e = wanted[body]
        assert record["modelName"] == "mnist" and record["modelVersion"] == 1, record
        assert record["responseHttpCode"] == e["status"], (record["responseHttpCode"], e["status"])
        assert record["inferenceResponse"] == e["response"], (record["inferenceResponse"][:80], e["response"][:80])
        assert isinstance(record["requestTimestamp"], int) and record["requestTimestamp"] > 1_600_000_000_000
    agreed = 0
    if node_path:
        for line in open(node_path):
            n = json.loads(line)
            mine = decoded.get((n["partition"], int(n["offset"])))
            if mine is None:
                continue
            fields = ("modelId", "modelName", "modelVersion", "requestTimestamp", "responseHttpCode",
                      "inferenceRequest", "inferenceResponse")
            assert all(mine[f] == n[f] for f in fields), f"decoders disagree at {n['partition']}/{n['offset']}"
            agreed += 1
        assert agreed >= len(wanted), f"only {agreed} records compared with the Node reader"
    node = f"; {agreed} records identical in the Node log reader's output" if node_path else ""
    print(f"interop: {len(found)}/{len(wanted)} records found and equal ({len(decoded)} decoded in {topic}){node}")


if __name__ == "__main__":
    {"send": send, "check": check}[sys.argv[1]](*sys.argv[2:])
