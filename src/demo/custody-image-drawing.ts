import type { Faker } from '@faker-js/faker';
import { PNG } from 'pngjs';

/** A small custody-image stand-in: an abstract head-and-shoulders shape in colours drawn from the seed. */
export function drawCustodyImage(faker: Faker, serial: number): Buffer {
  const width = 24;
  const height = 32;
  const png = new PNG({ width, height });
  const background = [200 + faker.number.int(40), 200 + faker.number.int(40), 210 + faker.number.int(40)];
  const skin = [120 + faker.number.int(120), 90 + faker.number.int(100), 60 + faker.number.int(90)];
  const shirt = [faker.number.int(255), faker.number.int(255), faker.number.int(255)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const head = (x - 12) ** 2 / 36 + (y - 11) ** 2 / 64 <= 1;
      const shoulders = y >= 22 && Math.abs(x - 12) <= 4 + (y - 22);
      const colour = head ? skin : shoulders ? shirt : background;
      const i = (y * width + x) * 4;
      png.data[i] = colour[0] as number;
      png.data[i + 1] = colour[1] as number;
      png.data[i + 2] = colour[2] as number;
      png.data[i + 3] = 255;
    }
  }
  // The serial in the corner pixel makes every picture's bytes, and so its hash, distinct.
  png.data[0] = serial & 0xff;
  png.data[1] = (serial >> 8) & 0xff;
  png.data[2] = (serial >> 16) & 0xff;
  return PNG.sync.write(png, { colorType: 2 });
}
