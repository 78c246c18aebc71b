import 'reflect-metadata';
import { PROTOCOL_PLACEHOLDER } from '@dh-mqtt/protocol';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Aedes } from 'aedes';
import { SignJWT } from 'jose';
import { PGlite } from '@electric-sql/pglite';

@Injectable()
class Svc { hi() { return 'hi'; } }
@Injectable()
class User { constructor(readonly svc: Svc) {} }
@Module({ providers: [Svc, User] })
class M {}

async function main() {
  const app = await NestFactory.createApplicationContext(M, { logger: false });
  console.log(app.get(User).svc.hi(), PROTOCOL_PLACEHOLDER, typeof SignJWT);
  const b = await Aedes.createBroker();
  console.log('aedes', b.id);
  await new Promise<void>((r) => b.close(() => r()));
  const db = new PGlite();
  console.log((await db.query('select 1 as x')).rows);
  await db.close();
  await app.close();
}
void main();
