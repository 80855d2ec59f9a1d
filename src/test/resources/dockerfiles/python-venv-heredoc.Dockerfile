# syntax=docker/dockerfile:1.4
# expect: stages=1 needed=1
FROM python:3.10
RUN <<EOF
python3 -m venv /venv
/venv/bin/pip install --upgrade pip
/venv/bin/pip install flask
EOF
COPY <<EOF /app/app.py
from flask import Flask
app = Flask(__name__)
@app.route("/")
def hello():
    return "Hello from $HOSTNAME"
EOF
RUN python3 <<'PY'
import sys
print(sys.version, "${not expanded by docker}")
PY
CMD ["/venv/bin/flask", "--app", "/app/app.py", "run", "--host=0.0.0.0"]
