# expect: stages=1 needed=1
FROM python:3.7-slim
WORKDIR /usr/src/app
RUN pip install --upgrade pip
COPY ./requirements.txt /usr/src/app/requirements.txt
RUN pip $PIP_PROXY install --no-cache-dir --compile -r requirements.txt
RUN echo 123
COPY ./run_test.py /usr/src/app/run_test.py
CMD ["python", "run_test.py"]
