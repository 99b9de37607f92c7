"""The seed's client flow in Python with `requests`, as a Hopsworks user would script it.

Usage: python seed_client.py BASE_URL EMAIL PASSWORD DIGIT_JSON
DIGIT_JSON holds {"label": int, "pixels": [784 floats]} (one MNIST digit).
Exits non-zero with a message on the first unexpected answer.
"""
import json
import math
import sys

import requests

API = "/hopsworks-api/api"


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def main():
    base, email, password, digit_file = sys.argv[1:5]
    with open(digit_file) as f:
        digit = json.load(f)
    session = requests.Session()

    # Hopsworks' login: form-encoded, JWT in the Authorization response header.
    r = session.post(f"{base}{API}/auth/login", data={"email": email, "password": password}, timeout=10)
    check(r.status_code == 200, f"login answers 200 (got {r.status_code} {r.text})")
    token = r.headers.get("Authorization", "")
    check(token.startswith("Bearer "), "login returns a Bearer token in the Authorization header")
    check(r.json()["data"] == email, "login body carries the email")
    headers = {"Authorization": token}

    url = f"{base}{API}/project/1/inference/models/mnist:predict"
    r = session.post(url, json={"signature_name": "predict_images", "instances": [digit["pixels"]]}, headers=headers, timeout=10)
    check(r.status_code == 200, f"predict answers 200 (got {r.status_code} {r.text[:200]})")
    scores = r.json()["predictions"][0]
    check(len(scores) == 10, "10 scores")
    check(math.isclose(sum(scores), 1.0, abs_tol=1e-4), f"scores sum to 1 ({sum(scores)})")
    predicted = max(range(10), key=lambda i: scores[i])
    check(predicted == digit["label"], f"the model reads the digit {digit['label']} as {predicted}")

    r = session.post(f"{base}{API}/project/1/inference/models/mnist/versions/1:predict",
                     json={"signature_name": "predict_images", "instances": [digit["pixels"]]}, headers=headers, timeout=10)
    check(r.status_code == 200, "predict on an explicit version answers 200")

    r = session.post(url, json={"instances": [digit["pixels"]]}, timeout=10)
    check(r.status_code == 401 and r.json()["errorCode"] == 200003, "no credentials: 401/200003")

    r = session.post(f"{base}{API}/project/1/inference/models/nosuchmodel:predict", json={}, headers=headers, timeout=10)
    check(r.status_code == 404 and r.json()["errorCode"] == 250000, "unknown model: 404/250000")

    r = session.post(url, data="{not json", headers={**headers, "Content-Type": "application/json"}, timeout=10)
    check(r.status_code == 400 and r.json()["errorCode"] == 250008, "malformed JSON: 400/250008 with the model server's message")
    check("JSON Parse error" in r.json()["usrMsg"], "usrMsg carries TF Serving's parse error")

    print("python client: all checks passed")


if __name__ == "__main__":
    main()
