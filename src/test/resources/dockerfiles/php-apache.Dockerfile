# expect: stages=2 needed=2
FROM composer:2 AS vendor
COPY composer.json composer.lock ./
RUN composer install --no-dev --no-scripts --prefer-dist --ignore-platform-reqs

FROM php:8.3-apache
RUN docker-php-ext-install pdo pdo_mysql opcache
COPY --from=vendor /app/vendor/ /var/www/html/vendor/
COPY . /var/www/html/
RUN chown -R www-data:www-data /var/www/html \
 && a2enmod rewrite
