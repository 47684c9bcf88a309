// Hand validation of brisk's Item model for the Node peers (http.js, express.js), as a Node
// app does it without a schema library:
//   name: string, at most 100 characters (code points); price: finite number >= 0;
//   has_tax: boolean, optional (false); tags: array of strings, optional ([]).
// validateItem(value) returns {item} (keys in the model's order) or {errors} (FastAPI-like).
'use strict';

function validateItem(d) {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) {
    return { errors: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }] };
  }
  const errors = [];
  const err = (field, msg, type) => errors.push({ loc: ['body', field], msg, type });

  const name = d.name;
  if (name === undefined) {
    err('name', 'field required', 'value_error.missing');
  } else if (typeof name !== 'string') {
    err('name', 'str type expected', 'type_error.str');
  } else if (name.length > 100 && [...name].length > 100) {
    // .length counts UTF-16 units, never fewer than code points: count only when needed.
    err('name', 'ensure this value has at most 100 characters', 'value_error.any_str.max_length');
  }
  const price = d.price;
  if (price === undefined) {
    err('price', 'field required', 'value_error.missing');
  } else if (typeof price !== 'number' || !Number.isFinite(price)) {
    err('price', 'value is not a valid float', 'type_error.float');
  } else if (price < 0) {
    err('price', 'ensure this value is greater than or equal to 0', 'value_error.number.not_ge');
  }
  const hasTax = d.has_tax === undefined ? false : d.has_tax;
  if (typeof hasTax !== 'boolean') {
    err('has_tax', 'value could not be parsed to a boolean', 'type_error.bool');
  }
  const tags = d.tags === undefined ? [] : d.tags;
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    err('tags', 'value is not a valid list of strings', 'type_error.list');
  }
  if (errors.length > 0) return { errors };
  return { item: { name, price, has_tax: hasTax, tags } };
}

module.exports = { validateItem };
