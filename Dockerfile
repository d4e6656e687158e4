# One image for every service of the hub; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /hub
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production
CMD ["npx", "tsx", "gateway/main.ts"]
