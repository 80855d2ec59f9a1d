# expect: stages=1 needed=1
FROM python:3.12-slim
RUN mkdir -p /usr/src/app
WORKDIR /usr/src/app
ONBUILD COPY requirements.txt /usr/src/app/
ONBUILD RUN pip install --no-cache-dir -r requirements.txt
ONBUILD COPY . /usr/src/app
ONBUILD ARG BUILD_ENV=prod
ONBUILD ENV APP_ENV=$BUILD_ENV
