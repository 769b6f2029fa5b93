"""A separate app process that submits one anonymous response, says so once thanked, and waits to be killed.

Run by test_crash_safety.py as `python -m tests.surveys.crash_submitter SURVEY_ID QUESTION_ID TEXT` with
the test app's database and SECRET_KEY in the environment (CRASH_APP_CONFIG, JSON).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

from participation import create_app

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def main() -> None:
    survey_id, question_id, answer = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    config = json.loads(os.environ["CRASH_APP_CONFIG"])
    app = create_app({"TESTING": True, "RATELIMIT_STORAGE_URI": "memory://", "SERVER_NAME": None, **config})
    client = app.test_client()
    token = CSRF.search(client.get(f"/umfragen/{survey_id}").get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "action": "submit", f"q{question_id}": answer}
    sent = client.post(f"/umfragen/{survey_id}/teilnehmen", data=data, follow_redirects=True)
    if sent.status_code == 200 and "Vielen Dank" in sent.get_data(as_text=True):
        print("DANKE", flush=True)
    else:
        print(f"FAILED {sent.status_code}", flush=True)
    time.sleep(120)  # killed long before


if __name__ == "__main__":
    main()
