# One image for both roles: `serve` (the api) and `worker`.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
COPY test ./test
COPY ui ./ui
RUN npm run build
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/src/main/cli.js"]
CMD ["serve"]
