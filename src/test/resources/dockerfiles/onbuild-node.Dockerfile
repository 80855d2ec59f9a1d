# expect: stages=1 needed=1
FROM node:20-alpine
WORKDIR /app
ONBUILD COPY --chown=node:node package*.json ./
ONBUILD RUN --mount=type=cache,target=/root/.npm npm ci
ONBUILD COPY --chown=node:node . .
ONBUILD LABEL built.from=onbuild-node
CMD ["npm", "start"]
