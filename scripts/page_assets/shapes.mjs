// Derive the situation page's country outlines from world-atlas (Natural Earth 1:50m admin-0, public domain;
// world-atlas ISC): the countries of the Sahel and around it, as GeoJSON, coordinates rounded to 0.01°
// (about 1 km, finer than a pixel at the zoom levels the page uses). Usage: node shapes.mjs countries-50m.json
import { readFileSync } from "node:fs";
import { feature } from "topojson-client";

// ISO 3166 numeric codes: the Sahel band and the countries a map framed on it shows.
const COUNTRIES = new Set([
  "012", "140", "120", "148", "178", "180", "204", "226", "266", "270", "288", "324", "384", "430", "434", "466",
  "478", "504", "562", "566", "624", "686", "694", "728", "729", "732", "768", "788", "818", "854",
]);

const round = (c) => (typeof c[0] === "number" ? [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100]
  : dedupe(c.map(round)));
const dedupe = (ring) => (typeof ring[0][0] === "number"
  ? ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]) : ring);

const topology = JSON.parse(readFileSync(process.argv[2], "utf8"));
const countries = feature(topology, topology.objects.countries).features.filter((f) => COUNTRIES.has(f.id));
const out = {
  type: "FeatureCollection",
  features: countries.map((f) => ({ type: "Feature", id: f.id, properties: { name: f.properties.name },
    geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } })),
};
process.stdout.write(JSON.stringify(out));
