// NestJS and class-validator read decorator metadata through the Reflect API.
require('reflect-metadata');
