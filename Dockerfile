# Ponte in a container. Postgres and Redis are not inside: give DATABASE_URL and REDIS_URL
# (compose.yaml next to this file runs all three). One image serves every role:
#   docker run … ponte start --role web|worker   (default: all roles in one process)
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Dev tools are left out; the
# optional embedded Postgres too (the container always gets DATABASE_URL).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

COPY bin ./bin
COPY src ./src
COPY channels ./channels
COPY bridges ./bridges
COPY migrations ./migrations
COPY manifests ./manifests
COPY tsconfig.json ./

USER node
EXPOSE 3000
# /healthz answers while the process is up; /readyz also checks Postgres, Redis and migrations.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/ponte.js"]
CMD ["start"]
